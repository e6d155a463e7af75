neuron { suffix lower useion na read ena write ina }
comment endcomment
title x
