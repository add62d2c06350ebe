"""Settings that decide where, to whom and under which key a partner file goes are
pinned to the process environment.

Resources get these values through ``dg.EnvVar``, but a Launchpad run config can
still replace any resource field (a literal or ``{"env": "OTHER_VAR"}``): an
on-call engineer could point the outbound store at a folder of their own, the
SFTP host or API at another server, the e-mail at other recipients, or the
pseudonyms at a key they know. Each such resource compares the value it was
given with the variable the deployment sets, at setup or first use, and fails
closed. Values are never echoed (some are secrets).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

from ouchhungry_dp.errors import ConfigurationError


def refuse_override(owner: str, in_use: Mapping[str, object], *,
                    partner: str | None = None) -> None:
    """``in_use`` maps each environment variable's name to the value the run resolved
    for it; any difference (or an unset variable) raises ``ConfigurationError``."""
    for env_name, value in in_use.items():
        expected = os.environ.get(env_name)
        given = "" if value is None else str(value)
        if expected is None or not hmac.compare_digest(given.encode(), expected.encode()):
            raise ConfigurationError(
                f"{owner}: the value in use for {env_name} is not the one the environment "
                "sets (run config cannot change it)",
                partner=partner,
                hint=f"Set {env_name} in the deployment's environment or secret, and launch "
                "without overriding this resource's config.")
