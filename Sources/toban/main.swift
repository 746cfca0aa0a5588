import TobanCore
print("toban \(TobanCore.version)")
