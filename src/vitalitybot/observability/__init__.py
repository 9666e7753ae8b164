"""What an operator sees of the running bot: logs (``logs``), Prometheus figures
(``metrics``), and the optional ``/healthz`` + ``/metrics`` listener (``health``).

Import from the submodules: this package imports nothing itself, so the CLI can set
up logging without loading the HTTP server.
"""
