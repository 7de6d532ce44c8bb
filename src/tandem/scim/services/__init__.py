"""SCIM use cases, one module each; every write is one transaction and goes through people's
services (the same validation and directory as the HR import)."""
