// TobanNotify
