"""Contract ids and dataset names are slugs: they become outbound, SFTP and API paths."""

from __future__ import annotations

import pytest
import yaml

from ouchhungry_dp.errors import ConfigurationError
from ouchhungry_dp.partners.contract import CONTRACTS_DIR, parse_contract

CONTRACT = (CONTRACTS_DIR / "ouchhungry.yaml").read_text(encoding="utf-8")


def with_value(path: tuple[str, ...], value: str) -> str:
    data = yaml.safe_load(CONTRACT)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


FIELDS = {"id": ("id",), "daily dataset": ("products", "daily", "dataset"),
          "monthly dataset": ("products", "monthly", "dataset")}
BAD = ["../ouchhungry", "ouchhungry/../../etc", "daily/x", "..", "Ouch_Hungry", "ouch-hungry",
       "ouch hungry", "", "a" * 64, "ouchhungry\\x"]


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("value", BAD)
def test_a_path_or_non_slug_in_an_id_or_dataset_is_refused_with_a_clear_error(
        field: str, value: str) -> None:
    with pytest.raises(ConfigurationError) as refused:
        parse_contract(with_value(FIELDS[field], value), source="partners/x.yaml")
    message = str(refused.value)
    assert "partners/x.yaml" in message and "must be a slug" in message
    assert ".".join(FIELDS[field]) in message  # where: the field's path in the contract


@pytest.mark.parametrize("value", ["crocante", "crocante_sales_daily", "a" * 63, "x1_2"])
def test_slugs_are_accepted(value: str) -> None:
    parsed = parse_contract(with_value(FIELDS["daily dataset"], value))
    assert parsed.products.daily.dataset == value

