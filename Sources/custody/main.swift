print("custody")
