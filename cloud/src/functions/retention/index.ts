import { runRetention } from '../../domain/retention'
import { privacyConfig } from '../../shared/config'
import { defineTimerFunction } from '../../shared/timer'

/** Timer: erases personal data and counters once their purpose has ended (see docs/privacy in the app). */
export const main = defineTimerFunction('retention', (ctx) => runRetention(ctx, privacyConfig().retentionDays))
