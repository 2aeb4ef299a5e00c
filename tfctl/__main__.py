"""python -m tfctl"""

from tfctl.cli import main

main()
