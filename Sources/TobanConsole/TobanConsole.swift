// TobanConsole
