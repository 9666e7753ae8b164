"""The vocabulary every layer shares: frozen records, their enums and the answer scale.

It sits at the bottom: it imports nothing else of vitalitybot, so storage, the pure
rules, the services and both adapters can all speak in its words without depending on
one another.
"""
