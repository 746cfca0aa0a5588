// TobanStore
