"""The offline sandbox: emulated ClickHouse/Upstash providers and a local S3/DynamoDB endpoint.

Kept import-free: provider launchers import submodules directly and must start fast.
"""
