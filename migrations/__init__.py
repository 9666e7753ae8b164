"""Not imported by Alembic: this marker makes the folder the package
``vitalitybot._shipped.migrations``, so the installed bot finds its migrations (see setup.py
and vitalitybot/_shipped)."""
