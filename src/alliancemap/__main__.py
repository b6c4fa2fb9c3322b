"""`python -m alliancemap`: the same command as the `alliancemap` console script."""

from alliancemap.cli import main

if __name__ == "__main__":
    main()
