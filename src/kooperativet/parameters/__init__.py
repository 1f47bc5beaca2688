"""Dated parameters: rates, the fee, policies and (later) account maps, each value with a source.

A value holds from its ``valid_from`` until the next value of the same key. Values are added, never edited:
a correction is a new value from a date, and every payslip or invoice stores the values it used.
"""
