import { Text } from '@tarojs/components'
import './index.css'

export type BadgeTone = 'positive' | 'info' | 'warning' | 'muted'

/** A status pill, set apart from the text beside it ("有效", "已约满"). */
export function Badge({ tone, label, testId }: { tone: BadgeTone; label: string; testId?: string }) {
  return (
    <Text className={`badge badge--${tone}`} data-testid={testId}>
      {label}
    </Text>
  )
}
