import { Button, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { formatClock } from '../../format/time'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import type { Freshness } from '../../stores/loadStatus'
import './index.css'

/** A refresh shorter than this shows nothing: a flash of "updating" on every visit is noise. */
export const REFRESHING_NOTICE_DELAY_MS = 800

/**
 * Above data the page already shows: nothing while it is current; "updating" while a slow refresh
 * runs; after a failed refresh, that what follows is from the last successful load (and when),
 * with a retry. Shown data is never silently stale.
 */
export function FreshnessNotice({ freshness, onRetry }: { freshness: Freshness; onRetry: () => void }) {
  const { status, error, updatedAt } = freshness
  const slow = useDelayedFlag(status === 'loading', REFRESHING_NOTICE_DELAY_MS)
  if (status === 'loading' && slow) {
    return (
      <View className='freshness' role='status' data-testid='refreshing'>
        <Text className='freshness__text'>{TEXT.refreshing}</Text>
      </View>
    )
  }
  if (status !== 'error' || !error) return null
  return (
    <View className='freshness freshness--stale' role='alert' data-testid='stale-notice'>
      <Text className='freshness__text'>
        {errorMessage(error.code)}
        {updatedAt ? TEXT.staleSince(formatClock(updatedAt)) : ''}
      </Text>
      <Button className='button-secondary freshness__retry' size='mini' onClick={onRetry}>
        {TEXT.retry}
      </Button>
    </View>
  )
}

function useDelayedFlag(on: boolean, delayMs: number): boolean {
  const [late, setLate] = useState(false)
  useEffect(() => {
    setLate(false)
    if (!on) return undefined
    const timer = setTimeout(() => setLate(true), delayMs)
    return () => clearTimeout(timer)
  }, [on, delayMs])
  return on && late
}
