"""Built-in routine and exercise files.

A package only so that ``importlib.resources`` finds them inside an installed wheel,
where this folder is shipped as ``psoas_cli.routines``.
"""
