"""Built-in routine, exercise and programme files, and the index made from them.

A package only so that an installed wheel ships this folder, as ``psoas_cli/routines``.
"""
