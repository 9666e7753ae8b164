"""One cog per feature; each handler is thin: interaction -> service -> rendered reply."""
