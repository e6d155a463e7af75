#include <stdio.h>
int main(void) { printf("NEURON\n"); return 0; }
