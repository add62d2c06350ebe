"""The contract loader's guards and derived names (``partners.contract``), each checked
with the exact value or error a hand-written input gives: duplicate ids, salts and
datasets refused by name, a file named after another id, the error's located problems,
a channel's variables, the contracts folder from the environment."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import (
    CONTRACTS_DIR,
    CONTRACTS_DIR_ENV,
    Channel,
    check_unique,
    contracts_dir,
    get_contract,
    load_contract,
    load_contracts,
    parse_contract,
)

PRODUCTION_YAML = (CONTRACTS_DIR / "ouchhungry.yaml").read_text(encoding="utf-8")
CONTRACT = get_contract("ouchhungry")


def _other(**changes: object) -> object:
    """A second partner: its own id, salt and datasets, unless ``changes`` say otherwise."""
    data = yaml.safe_load(PRODUCTION_YAML)
    data["id"] = "outro"
    data["privacy"]["pseudonymization_salt"] = "outro-salt"
    data["products"]["daily"]["dataset"] = "outro_sales_daily"
    data["products"]["monthly"]["dataset"] = "outro_sales_monthly"
    for path, value in changes.items():
        *parents, leaf = path.split("__")
        target = data
        for key in parents:
            target = target[key]
        target[leaf] = value
    return parse_contract(yaml.safe_dump(data, allow_unicode=True))


def test_distinct_partners_pass_the_uniqueness_check() -> None:
    assert check_unique([CONTRACT, _other()]) is None


@pytest.mark.parametrize(("change", "what"), [
    ({"id": "ouchhungry"}, "id"),
    ({"privacy__pseudonymization_salt": CONTRACT.privacy.pseudonymization_salt}, "salt"),
    ({"products__daily__dataset": CONTRACT.products.daily.dataset}, "dataset"),
    ({"products__monthly__dataset": CONTRACT.products.monthly.dataset}, "dataset"),
    # A dataset name is one namespace: a daily name reused as another's monthly clashes.
    ({"products__monthly__dataset": CONTRACT.products.daily.dataset}, "dataset"),
])
def test_a_shared_id_salt_or_dataset_is_refused_by_name(change: dict, what: str) -> None:
    other = _other(**change)
    with pytest.raises(ConfigurationError) as caught:
        check_unique([CONTRACT, other])
    error = caught.value
    assert error.what == f"partner contracts ouchhungry and {other.id} share a {what}"
    assert error.partner == other.id


def test_a_file_named_after_another_id_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "outra.yaml"
    path.write_text(PRODUCTION_YAML, encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_contract(path)
    assert caught.value.what == f"partner contract {path} declares id 'ouchhungry'"
    assert "outra.yaml" not in caught.value.hint and "ouchhungry.yaml" in caught.value.hint
    good = tmp_path / "ouchhungry.yaml"
    good.write_text(PRODUCTION_YAML, encoding="utf-8")
    assert load_contract(good) == CONTRACT
    assert load_contract(str(good)) == CONTRACT


def test_invalid_yaml_and_invalid_values_are_located() -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_contract("id: [unclosed", source="x.yaml")
    assert caught.value.what == "partner contract x.yaml is not valid YAML"
    assert "line 1" in caught.value.detail
    bad = PRODUCTION_YAML.replace("min_customers_per_cell: 10", "min_customers_per_cell: 1")
    bad = bad.replace('daily_cron: "0 6 * * *"', 'daily_cron: "every day"')
    with pytest.raises(ConfigurationError) as caught:
        parse_contract(bad, source="y.yaml")
    assert caught.value.what == "partner contract y.yaml is invalid"
    problems = caught.value.detail.split("; ")
    assert [p.split(": ")[0] for p in problems] == ["sla.daily_cron",
                                                    "privacy.min_customers_per_cell"]
    assert problems[1].endswith("Input should be greater than or equal to 2")
    with pytest.raises(ConfigurationError, match="<string> is invalid"):
        parse_contract(bad)


def test_a_channel_resolves_its_variables_from_the_given_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    channel = Channel(env={"host": "X_SFTP_HOST", "port": "X_SFTP_PORT"})
    assert channel.resolve({"X_SFTP_HOST": "h", "OTHER": "o"}) == {"host": "h", "port": None}
    assert channel.resolve({}) == {"host": None, "port": None}
    monkeypatch.setenv("X_SFTP_PORT", "2222")
    assert channel.resolve() == {"host": None, "port": "2222"}


def test_delivery_asset_names() -> None:
    assert CONTRACT.delivery_asset("daily", "sftp") == "ouchhungry_daily_sftp_delivery"
    assert CONTRACT.delivery_asset("monthly", "api") == "ouchhungry_monthly_api_delivery"
    assert CONTRACT.delivery_asset("daily", "email") == "ouchhungry_daily_email_notification"
    assert CONTRACT.delivery_assets("monthly") == [
        "ouchhungry_monthly_sftp_delivery", "ouchhungry_monthly_api_delivery",
        "ouchhungry_monthly_email_notification"]


def test_the_contracts_folder_comes_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CONTRACTS_DIR_ENV, raising=False)
    assert contracts_dir() == CONTRACTS_DIR
    monkeypatch.setenv(CONTRACTS_DIR_ENV, "")
    assert contracts_dir() == CONTRACTS_DIR
    monkeypatch.setenv(CONTRACTS_DIR_ENV, str(tmp_path))
    assert contracts_dir() == tmp_path


def test_only_active_contracts_are_loaded(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    (tmp_path / "ouchhungry.yaml").write_text(PRODUCTION_YAML, encoding="utf-8")
    draft = yaml.safe_load(PRODUCTION_YAML)
    draft.update(id="outro", status="draft")
    draft["privacy"]["pseudonymization_salt"] = "outro-salt"
    draft["products"]["daily"]["dataset"] = "outro_sales_daily"
    draft["products"]["monthly"]["dataset"] = "outro_sales_monthly"
    (tmp_path / "outro.yaml").write_text(yaml.safe_dump(draft), encoding="utf-8")
    assert [c.id for c in load_contracts(tmp_path)] == ["ouchhungry"]
    monkeypatch.setenv(CONTRACTS_DIR_ENV, str(tmp_path))
    assert [c.id for c in load_contracts()] == ["ouchhungry"]
    assert [c.id for c in load_contracts(str(tmp_path))] == ["ouchhungry"]


def test_get_contract_finds_an_active_partner_by_id(tmp_path: Path) -> None:
    (tmp_path / "ouchhungry.yaml").write_text(PRODUCTION_YAML, encoding="utf-8")
    assert get_contract("ouchhungry", tmp_path) == CONTRACT
    with pytest.raises(ConfigurationError) as caught:
        get_contract("outro", tmp_path)
    assert caught.value.what == "no active contract for partner 'outro'"
    with pytest.raises(ConfigurationError):
        get_contract("ouchhungry", tmp_path / "empty")


def test_a_contract_file_is_read_as_utf8_and_its_errors_name_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "ouchhungry.yaml"
    path.write_text(PRODUCTION_YAML, encoding="utf-8")
    # A machine whose locale is not UTF-8: the pt-BR texts (ç, ã) must still load right.
    real = io.text_encoding
    monkeypatch.setattr(io, "text_encoding", lambda e, *a: "latin-1" if e is None else real(e))
    assert "ç" in PRODUCTION_YAML and load_contract(path) == CONTRACT
    path.write_text(PRODUCTION_YAML.replace("min_customers_per_cell: 10",
                                            "min_customers_per_cell: 1"), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_contract(path)
    assert caught.value.what == f"partner contract {path} is invalid"


def test_two_partner_brands_in_one_segment_are_refused() -> None:
    # The segment-share rules decide one partner brand at a time (docs/privacy-audit.md,
    # "two partner brands in one segment"): such a contract fails closed, naming both.
    data = yaml.safe_load(PRODUCTION_YAML)
    data["partner"]["brands"][1]["segment"] = data["partner"]["brands"][0]["segment"]
    with pytest.raises(ConfigurationError) as caught:
        parse_contract(yaml.safe_dump(data, allow_unicode=True))
    text = str(caught.value) + str(caught.value.detail or "")
    assert "'Hungry' and 'Ouch' share the segment 'refrigerantes'" in text
