"""The architecture deck: PPTX built from docs/architecture.md and the platform's latest KPIs."""
