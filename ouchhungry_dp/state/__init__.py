"""State shared by every process of a deployment (alert outbox, e-mail sent-log).

In production it is a PostgreSQL database that every pod reaches; locally a SQLite
file under DAGSTER_HOME. SQLAlchemy Core gives one code path for both. No Dagster import.
"""
