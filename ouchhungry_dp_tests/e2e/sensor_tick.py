"""One tick of one of the code location's sensors, in this process, on $DAGSTER_HOME's
instance, with the resources the code location defines (what the daemon does each tick).

    python -m ouchhungry_dp_tests.e2e.sensor_tick <sensor name>
"""

from __future__ import annotations

import sys

import dagster as dg


def main(name: str) -> None:
    from ouchhungry_dp.definitions import defs

    sensor = defs.get_sensor_def(name)
    resources = {key: defs.resources[key] for key in sensor.required_resource_keys}
    with dg.DagsterInstance.get() as instance:
        context = dg.build_sensor_context(instance=instance, resources=resources)
        result = sensor(context)
    print(result.skip_message if isinstance(result, dg.SkipReason) else result)


if __name__ == "__main__":
    main(sys.argv[1])
