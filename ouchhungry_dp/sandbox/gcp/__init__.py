"""Pieces of the simulated GCP account (see ``ouchhungry_dp.sandbox.gcp_account``)."""
