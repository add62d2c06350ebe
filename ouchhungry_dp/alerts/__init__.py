"""Alerting domain logic (no Dagster import).

Turns run failures, failed asset checks, missed SLAs and alerting-health problems
into incidents (one incident = one e-mail), renders them (text + HTML), and
delivers them through the SMTP client with a durable outbox so no alert is lost
while the relay is down. ``ouchhungry_dp.defs.alerts`` wires this into sensors.
"""
