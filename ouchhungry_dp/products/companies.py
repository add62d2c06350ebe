"""One company, one key: how the competitor rules tell companies apart.

The competitor-count and dominance rules count *companies* (manufacturers), and
the catalogue's manufacturer is free text typed by merchants. A group typed as
"Refrescos do Sul", "REFRESCOS DO SUL" and "Refrescos do Sul S.A." was three
companies to the rules: a segment one group dominates passed the count and the
(2, 85) dominance rule, and the partner recovered the group's revenue within
0.01 % (partner-side attack of 2026-11-29). So every rule counts companies by
``company_key``: case, accents, spaces, punctuation and trailing Brazilian legal
forms (Ltda, S.A., S/A, ME, EPP, EIRELI, Cia) removed.

What a key cannot know: two unrelated names of one economic group ("Refrescos do
Sul" and "RDS Bebidas"). That needs a reviewed manufacturer -> group register
(e.g. by CNPJ root), which the catalogue does not carry yet
(docs/data-products.md, "Competitors").
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_WORD = re.compile(r"[0-9a-z]+")
# Trailing words that name a legal form, not a company.
_LEGAL_FORMS = frozenset({"ltda", "me", "epp", "eireli", "sa", "cia"})


def company_key(name: str) -> str:
    """``"Refrescos do Sul S.A."`` -> ``"refrescosdosul"``. A name made only of legal
    forms or punctuation keeps what it has (it is never merged into an empty key)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = _WORD.findall(folded)
    while len(words) > 1:
        if words[-1] in _LEGAL_FORMS:
            words.pop()
        elif len(words) > 2 and words[-2:] == ["s", "a"]:  # "S.A.", "S/A"
            del words[-2:]
        else:
            break
    return "".join(words) or name


def same_company(manufacturer: pd.Series, company: str) -> pd.Series:
    """Per value: is it a spelling of ``company`` (missing: no)? For the partner's own
    company: its brands under any spelling are never a competitor."""
    return (company_keys(manufacturer) == company_key(company)).fillna(False).astype(bool)


def company_keys(manufacturer: pd.Series) -> pd.Series:
    """``company_key`` of every value (missing stays missing), computed once per
    distinct name."""
    names = manufacturer.dropna().astype(str).unique()
    keys = {name: company_key(name) for name in names}
    return manufacturer.astype("object").map(keys).astype("string")
