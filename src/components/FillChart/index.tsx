import { Text, View } from '@tarojs/components'
import type { SessionStats } from '../../../cloud/src/api/models'
import { formatSessionTime } from '../../format/time'
import { TEXT } from '../../i18n/zh-CN'
import './index.css'

/** A share of the session's capacity, in percent with one decimal (0 for a session without seats). */
function percentOf(part: number, capacity: number): number {
  if (capacity <= 0 || part <= 0) return 0
  return Math.min(100, Math.round((part / capacity) * 1000) / 10)
}

/**
 * How full each session is, as horizontal bars drawn with Views: checked in (dark), reserved but
 * not yet in (light), the rest of the capacity (the track). Views rather than a canvas chart
 * library: the same markup on weapp and H5, readable as text, and a few hundred bytes instead of a
 * charting runtime in the mini-program package.
 */
export function FillChart({ sessions }: { sessions: SessionStats[] }) {
  return (
    <View className='fill-chart'>
      <View className='fill-chart__legend'>
        <View className='fill-chart__key'>
          <View className='fill-chart__swatch fill-chart__bar--checked-in' />
          <Text>{TEXT.chartLegendCheckedIn}</Text>
        </View>
        <View className='fill-chart__key'>
          <View className='fill-chart__swatch fill-chart__bar--waiting' />
          <Text>{TEXT.chartLegendWaiting}</Text>
        </View>
        <View className='fill-chart__key'>
          <View className='fill-chart__swatch fill-chart__swatch--remaining' />
          <Text>{TEXT.chartLegendRemaining}</Text>
        </View>
      </View>
      {sessions.map((session) => {
        const checkedIn = Math.min(session.checkedIn, session.reserved)
        const checkedInWidth = percentOf(checkedIn, session.capacity)
        const waitingWidth = Math.min(100 - checkedInWidth, percentOf(session.reserved - checkedIn, session.capacity))
        return (
          <View key={session.sessionId} className='fill-chart__row' data-testid='fill-row'>
            <View className='fill-chart__label'>
              <Text className='fill-chart__name'>{session.name}</Text>
              <Text className='muted fill-chart__figures'>
                {TEXT.chartFill(Math.round(percentOf(session.reserved, session.capacity)))} · {TEXT.chartCheckedIn(checkedIn, session.reserved)}
              </Text>
            </View>
            <Text className='muted fill-chart__time'>{formatSessionTime(session.startsAt, session.endsAt)}</Text>
            <View className='fill-chart__track'>
              <View className='fill-chart__bar fill-chart__bar--checked-in' style={{ width: `${checkedInWidth}%` }} />
              <View className='fill-chart__bar fill-chart__bar--waiting' style={{ width: `${waitingWidth}%` }} />
            </View>
          </View>
        )
      })}
    </View>
  )
}
