/** `npm run serve`: the local backend alone (emulator, WeChat simulator, runtime and gateway). */
import { startBackend, stackPorts } from './stack'

void startBackend(stackPorts())
