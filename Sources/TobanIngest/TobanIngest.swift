// TobanIngest
