"""``python -m psoas_cli`` runs the command line."""

from psoas_cli.launch import main

main()
