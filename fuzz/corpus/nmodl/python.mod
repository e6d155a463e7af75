import os
print("SUFFIX nothing")
