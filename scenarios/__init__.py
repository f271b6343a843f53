"""Locust users, the catalog traffic model, load shapes and the SLO gate plugin.

The package imports nothing on its own: importing Locust monkey-patches the process with
gevent, which only the Locust run itself may do. The locustfile imports the modules it
exposes (``scenarios.gate``, ``scenarios.load_shape``, ``scenarios.users``); the plain-data
modules (``plans``, ``traffic``, ``recorder``) stay importable without Locust's patching.
"""
