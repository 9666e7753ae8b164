"""Which packages the distribution holds, and where each one's files are.

The code is under src/. The pattern library and the Alembic migrations stay at the top of
the repository, where pattern authors and the ``alembic`` command find them, and are mapped
into the package as ``vitalitybot._shipped.patterns`` and ``vitalitybot._shipped.migrations``:
a wheel (and so pip, pipx or an sdist) carries them inside the package, and an editable
install resolves the same names to the checkout's folders. Such a mapping needs the package
list spelled out, which pyproject.toml could only do by hand; discovering it here keeps a
new subpackage from being left out. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

SHIPPED = {
    "patterns": "vitalitybot._shipped.patterns",
    "migrations": "vitalitybot._shipped.migrations",
}

setup(
    packages=[
        *find_namespace_packages("src", include=["vitalitybot*"]),
        *SHIPPED.values(),
        # migrations/versions holds the revisions, imported by Alembic from their files.
        *(f"{SHIPPED['migrations']}.{sub}" for sub in find_namespace_packages("migrations")),
    ],
    package_dir={"": "src", **{package: folder for folder, package in SHIPPED.items()}},
)
