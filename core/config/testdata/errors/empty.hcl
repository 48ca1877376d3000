# No webhook and no store.
listen = "0.0.0.0:8080"
