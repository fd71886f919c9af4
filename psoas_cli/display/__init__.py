"""Everything that draws on the terminal; the only package that imports rich."""
