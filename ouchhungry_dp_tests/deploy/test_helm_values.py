"""deploy/helm/values-prod.yaml: consistent with deploy/dagster.yaml, its run launcher valid
for dagster-k8s, and the run pod it yields (built offline by dagster-k8s with the jobs'
``dagster-k8s/config`` tags) sized, identified by Workload Identity, fed from secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes
import pytest
import yaml
from dagster._config import process_config
from dagster_k8s.container_context import K8sContainerContext
from dagster_k8s.job import (
    DagsterK8sJobConfig,
    UserDefinedDagsterK8sConfig,
    construct_dagster_k8s_job,
    get_user_defined_k8s_config,
)
from dagster_k8s.launcher import K8sRunLauncher

from ouchhungry_dp.lib.execution.k8s_run_tags import K8S_CONFIG_TAG, RUN_POD_RESOURCES, k8s_run_tags
from ouchhungry_dp.settings import REPO_ROOT

HELM = REPO_ROOT / "deploy" / "helm"
VALUES = yaml.safe_load((HELM / "values-prod.yaml").read_text())
INSTANCE = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())
IMAGE = "southamerica-east1-docker.pkg.dev/p/ouchhungry/ouchhungry-dp:abc123"
SNAKE = {"containerConfig": "container_config", "podSpecConfig": "pod_spec_config",
         "podTemplateSpecMetadata": "pod_template_spec_metadata",
         "jobSpecConfig": "job_spec_config", "jobMetadata": "job_metadata"}


def launcher_config(values: dict[str, Any]) -> dict[str, Any]:
    """The run_launcher config the chart renders into the instance ConfigMap
    (its templates map these values one to one)."""
    k8s = values["runLauncher"]["config"]["k8sRunLauncher"]
    return {
        "dagster_home": "/opt/dagster/dagster_home",
        "instance_config_map": "dagster-instance",
        "postgres_password_secret": values["global"]["postgresqlSecretName"],
        "service_account_name": values["global"]["serviceAccountName"],
        "image_pull_policy": k8s["imagePullPolicy"],
        "load_incluster_config": True,
        "env_secrets": [s["name"] for s in k8s["envSecrets"]],
        "env_vars": k8s["envVars"],
        "run_k8s_config": {SNAKE[k]: v for k, v in k8s["runK8sConfig"].items()},
    }


def run_pod(tags: dict[str, Any]) -> dict[str, Any]:
    processed = process_config(K8sRunLauncher.config_type(), launcher_config(VALUES))
    assert processed.success, processed.errors
    cfg = processed.value
    launcher = K8sContainerContext(
        service_account_name=cfg["service_account_name"], env_secrets=cfg["env_secrets"],
        env_vars=cfg["env_vars"], image_pull_policy=cfg["image_pull_policy"],
        run_k8s_config=UserDefinedDagsterK8sConfig.from_dict(cfg["run_k8s_config"]))
    context = launcher.merge(K8sContainerContext(
        run_k8s_config=get_user_defined_k8s_config(
            {k: json.dumps(v) if not isinstance(v, str) else v for k, v in tags.items()})))
    job_config = DagsterK8sJobConfig(
        job_image=IMAGE, dagster_home=cfg["dagster_home"],
        instance_config_map=cfg["instance_config_map"],
        postgres_password_secret=cfg["postgres_password_secret"])
    job = construct_dagster_k8s_job(
        job_config, ["dagster", "api", "execute_run", "{}"], "dagster-run-1",
        user_defined_k8s_config=context.run_k8s_config, component="run_worker")
    return kubernetes.client.ApiClient().sanitize_for_serialization(job)


def test_instance_settings_match_deploy_dagster_yaml() -> None:
    assert VALUES["additionalInstanceConfig"]["concurrency"] == INSTANCE["concurrency"]
    daemon = VALUES["dagsterDaemon"]
    retries, monitoring = INSTANCE["run_retries"], INSTANCE["run_monitoring"]
    assert daemon["runRetries"] == {"enabled": retries["enabled"],
                                    "maxRetries": retries["max_retries"],
                                    "retryOnAssetOrOpFailure":
                                        retries["retry_on_asset_or_op_failure"]}
    assert daemon["runMonitoring"]["startTimeoutSeconds"] == monitoring["start_timeout_seconds"]
    assert daemon["runCoordinator"]["type"] == INSTANCE["run_coordinator"]["class"]
    pg = VALUES["postgresql"]
    assert pg["postgresqlScheme"] == INSTANCE["storage"]["postgres"]["postgres_db"]["scheme"]
    assert VALUES["computeLogManager"]["type"] == INSTANCE["compute_logs"]["class"]


def test_user_code_runs_our_module_in_prod_from_our_image() -> None:
    [deployment] = VALUES["dagster-user-deployments"]["deployments"]
    assert deployment["dagsterApiGrpcArgs"] == ["-m", "ouchhungry_dp.definitions"]
    assert deployment["env"]["OUCHHUNGRY_ENV"] == "prod"
    assert (REPO_ROOT / "ouchhungry_dp" / "definitions.py").is_file()
    assert "OUCHHUNGRY_ENV=prod" in VALUES["runLauncher"]["config"]["k8sRunLauncher"]["envVars"]


def test_external_postgres_password_comes_from_a_secret_only() -> None:
    assert VALUES["postgresql"]["enabled"] is False
    assert VALUES["generatePostgresqlPasswordSecret"] is False
    assert VALUES["postgresql"]["postgresqlPassword"] == ""
    assert VALUES["global"]["postgresqlSecretName"]


def test_no_key_file_anywhere_workload_identity_instead() -> None:
    text = (HELM / "values-prod.yaml").read_text()
    for forbidden in ("GOOGLE_APPLICATION_CREDENTIALS", "volumeMounts", "json_credentials",
                      "jsonCredentialsEnvvar", ".json\n"):
        assert forbidden not in text
    assert VALUES["serviceAccount"]["annotations"]["iam.gke.io/gcp-service-account"].endswith(
        ".iam.gserviceaccount.com")


@pytest.mark.parametrize("cadence", ["daily", "monthly"])
def test_rendered_run_pod_of_a_delivery_job(cadence: str) -> None:
    job = run_pod(k8s_run_tags(cadence))
    pod = job["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["image"] == IMAGE
    assert container["resources"] == RUN_POD_RESOURCES[cadence]
    assert pod["serviceAccountName"] == "dagster"
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert {"secretRef": {"name": "ouchhungry-dp-env"}} in container["envFrom"]
    env = {e["name"]: e for e in container["env"]}
    assert env["OUCHHUNGRY_ENV"]["value"] == "prod"
    password = env["DAGSTER_PG_PASSWORD"]["valueFrom"]["secretKeyRef"]
    assert password["name"] == "dagster-postgresql"
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in env
    # No secret is mounted as a file (a key file would be): secrets arrive as env only.
    assert not [v for v in pod.get("volumes") or [] if "secret" in v]
    assert not container.get("volumeMounts")
    assert job["spec"]["backoffLimit"] == 0


def test_default_run_pod_is_the_values_default_and_tags_only_raise_it() -> None:
    default = run_pod({})["spec"]["template"]["spec"]["containers"][0]["resources"]
    values_default = VALUES["runLauncher"]["config"]["k8sRunLauncher"]["runK8sConfig"][
        "containerConfig"]["resources"]
    assert default == values_default
    for sizing in RUN_POD_RESOURCES.values():
        assert _gi(sizing["requests"]["memory"]) >= _gi(values_default["requests"]["memory"])
        assert _gi(sizing["limits"]["memory"]) > _gi(sizing["requests"]["memory"])
    assert set(k8s_run_tags("daily")) == {K8S_CONFIG_TAG}


def _gi(quantity: str) -> float:
    return float(quantity.removesuffix("Gi")) if quantity.endswith("Gi") else float(
        quantity.removesuffix("Mi")) / 1024


def test_values_validate_against_the_charts_schema_when_vendored() -> None:
    schema_path = HELM / "vendor" / "values.schema.json"
    if not schema_path.exists():
        pytest.skip("chart schema not vendored: see deploy/helm/vendor/README.md")
    import jsonschema

    schema = json.loads(schema_path.read_text())
    _strip_remote_refs(schema)  # Kubernetes sub-schemas live on the web; not reachable here
    merged = _deep_merge(yaml.safe_load((HELM / "vendor" / "values.yaml").read_text()), VALUES)
    jsonschema.Draft7Validator(schema).validate(merged)


def _strip_remote_refs(node: Any) -> None:
    if isinstance(node, dict):
        if str(node.get("$ref", "")).startswith("http"):
            del node["$ref"]
        for value in node.values():
            _strip_remote_refs(value)
    elif isinstance(node, list):
        for value in node:
            _strip_remote_refs(value)


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _deep_merge(base.get(k), v) for k, v in override.items()}}
    return override


def test_schema_file_is_not_half_vendored() -> None:
    vendor = HELM / "vendor"
    present = {p.name for p in vendor.iterdir()} if vendor.exists() else set()
    if "values.schema.json" in present:
        assert {"values.yaml", "LICENSE"} <= present, "vendor the chart's values.yaml and LICENSE"
    assert Path(vendor / "README.md").is_file()
