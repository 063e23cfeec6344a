"""Load benchmark of the live queue fan-out (`make bench`); not collected by pytest."""
