"""Product names the insights may print: an allowlist, never free text (no Dagster).

The cross-sell figures name the partner's products. A catalogue name is typed by
hand and can carry personal data (issue 11, finding 1: an e-mail and a phone
typed into a product name). The daily files hold names to the *cleaned*
catalogue (``guardrails.product_names_from_catalogue``); the report goes one step
further, since a report is prose and a name inside it is harder to spot: a
product is printed by name only when

* its name is the cleaned catalogue's name for its code (the same allowlist as
  the daily files), and
* the name holds none of the personal-data patterns of the outbound scan
  (``pii_text``: digits joined across separators, spelt-out e-mails, address
  cues) and none of the month's known identifiers (customer names, e-mails, ids).

Any other product is printed by its product code, a validated non-personal
field: the figure stays, the text never reaches the partner.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa

from ouchhungry_dp.products.guardrails import TEXT_PATTERNS
from ouchhungry_dp.products.pii_text import KnownIdentifiers, pattern_hits
from ouchhungry_dp.products.selection import latest_catalogue


def shown_product_names(products: pd.DataFrame, codes: Iterable[str],
                        known_identifiers: Iterable[str] = ()) -> dict[str, str]:
    """product_code -> what the report prints for it: the cleaned catalogue name when it
    passes the allowlist above, else the product code itself."""
    wanted = sorted(set(codes))
    catalogue = latest_catalogue(products).set_index("product_code")["product_name"]
    names = [catalogue.get(code) for code in wanted]
    text = pa.array(["" if n is None or pd.isna(n) else str(n) for n in names], type=pa.string())
    personal = np.zeros(len(wanted), dtype=bool)
    for found in pattern_hits(text).values():
        personal |= found
    values = pd.Series(text.to_pylist(), dtype="string")
    for pattern in TEXT_PATTERNS.values():
        personal |= values.str.contains(pattern, regex=True).fillna(False).to_numpy(dtype=bool)
    known = KnownIdentifiers(known_identifiers)
    if len(known):
        personal |= known.hits(text)
    return {code: (str(name) if name and not bad else code)
            for code, name, bad in zip(wanted, text.to_pylist(), personal, strict=True)}
