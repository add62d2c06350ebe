"""Retries nest (run retries x the step's RetryPolicy x the client's own attempts): the total
per delivery channel is a product of constants in the code and deploy/dagster.yaml, stated in
docs/reliability.md ("Nested retries"), and no run config can raise it."""

from __future__ import annotations

import re

import pytest
import yaml
from pydantic import ValidationError

from ouchhungry_dp.defs.delivery.delivery_assets import NETWORK_RETRY
from ouchhungry_dp.lib.resources.email import MAX_SMTP_ATTEMPTS, EmailResource
from ouchhungry_dp.lib.resources.partner_channels import (
    MAX_CLIENT_ATTEMPTS,
    PartnerApiResource,
    SftpChannelResource,
)
from ouchhungry_dp.settings import REPO_ROOT

API_PUTS_PER_CALL = MAX_CLIENT_ATTEMPTS + 1  # one more PUT after the single token renewal


def _run_attempts() -> int:
    retries = yaml.safe_load((REPO_ROOT / "deploy" / "dagster.yaml").read_text())["run_retries"]
    assert retries["enabled"] and retries["retry_on_asset_or_op_failure"] is False
    return 1 + int(retries["max_retries"])


def test_the_stated_totals_are_the_product_of_the_constants() -> None:
    step_attempts = 1 + NETWORK_RETRY.max_retries
    runs = _run_attempts()
    totals = {
        "SFTP connections": MAX_CLIENT_ATTEMPTS * step_attempts * runs,
        "API PUT requests": API_PUTS_PER_CALL * step_attempts * runs,
        "SMTP sends": MAX_SMTP_ATTEMPTS * step_attempts * runs,
    }
    assert totals == {"SFTP connections": 36, "API PUT requests": 45, "SMTP sends": 27}
    doc = (REPO_ROOT / "docs" / "reliability.md").read_text()
    section = doc.split("## Nested retries", 1)[1].split("\n## ", 1)[0]
    for channel, total in totals.items():
        assert re.search(rf"\| {channel} \|.*\| \*\*{total}\*\* \|", section), channel


SFTP = {"partner": "p", "host": "127.0.0.1", "port": "22", "username": "u",
        "private_key_path": "k", "known_hosts": "kh", "remote_dir": "/in"}
API = {"partner": "p", "base_url": "http://127.0.0.1:1", "username": "u", "password": "x"}


@pytest.mark.parametrize(("resource", "field", "ceiling"), [
    (lambda **kw: SftpChannelResource(**SFTP, **kw), "retry_attempts", MAX_CLIENT_ATTEMPTS),
    (lambda **kw: PartnerApiResource(**API, **kw), "retry_attempts", MAX_CLIENT_ATTEMPTS),
    (lambda **kw: EmailResource(host="127.0.0.1", email_from="a@b.example", **kw),
     "attempts", MAX_SMTP_ATTEMPTS),
])
def test_a_run_config_may_lower_the_attempts_but_never_raise_them(resource, field, ceiling):
    assert getattr(resource(), field) == ceiling
    assert getattr(resource(**{field: 1}), field) == 1
    with pytest.raises(ValidationError, match="less than or equal"):
        resource(**{field: ceiling + 1})
    with pytest.raises(ValidationError, match="greater than or equal"):
        resource(**{field: 0})
