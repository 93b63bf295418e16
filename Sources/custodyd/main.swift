print("custodyd")
