"""Locust users, the catalog traffic model, load shapes and the SLO gate plugin."""
