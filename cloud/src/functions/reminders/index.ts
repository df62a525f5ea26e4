import { queueDueReminders } from '../../domain/reminders'
import { defineTimerFunction } from '../../shared/timer'

/** Timer: queues each session's due reminder for every ticket whose owner accepted it; the outbox sends them. */
export const main = defineTimerFunction('reminders', (ctx) => queueDueReminders(ctx))
