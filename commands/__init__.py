"""The wiring behind each cli.py command: parse files, call the library, print the result.

One module per area, so each command stays a few lines over library calls.
"""
