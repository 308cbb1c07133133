"""Benchmarks of the queue server: real websocket clients on loopback against a real server
process, its CPU and memory read from /proc. ``python -m bench --help``; see docs/performance.md.
"""
