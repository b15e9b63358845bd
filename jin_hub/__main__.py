"""Allow ``python -m jin_hub ...`` as well as the ``jin-hub`` console script."""

from jin_hub.cli import main

main()
