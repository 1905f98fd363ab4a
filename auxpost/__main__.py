from auxpost.cli import main

main()
