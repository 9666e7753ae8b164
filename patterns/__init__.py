"""Not code: this marker makes the folder the package ``vitalitybot._shipped.patterns``, so
the installed bot finds the patterns it ships (see setup.py and vitalitybot/_shipped)."""
