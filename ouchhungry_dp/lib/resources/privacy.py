"""The pseudonymisation secret, handed to product assets through ``dagster.EnvVar``."""

from __future__ import annotations

import dagster as dg

from ouchhungry_dp.lib.resources.pinned_settings import refuse_override
from ouchhungry_dp.privacy.pseudonymize import PSEUDONYMIZATION_KEY_ENV, pseudonymization_key


class PrivacyResource(dg.ConfigurableResource):
    """Holds PSEUDONYMIZATION_KEY; the UI shows the variable's name, never its value."""

    pseudonymization_key: str

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # A key given through run config would give pseudonyms its launcher can
        # reverse (and the gate signs with the environment's key anyway).
        refuse_override("privacy", {PSEUDONYMIZATION_KEY_ENV: self.pseudonymization_key})

    def key_bytes(self) -> bytes:
        # Same validation (length, presence) as the library, without echoing the value.
        return pseudonymization_key({PSEUDONYMIZATION_KEY_ENV: self.pseudonymization_key})


def privacy_resource() -> PrivacyResource:
    return PrivacyResource(pseudonymization_key=dg.EnvVar(PSEUDONYMIZATION_KEY_ENV))
