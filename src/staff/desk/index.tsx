import { Button, Input, Text, View } from '@tarojs/components'
import Taro, { useDidHide, useDidShow, useRouter, useUnload } from '@tarojs/taro'
import { useRef, useState } from 'react'
import type { ExportFile, SessionStats } from '../../../cloud/src/api/models'
import { FillChart } from '../../components/FillChart'
import { IdRefusals } from '../../components/IdRefusals'
import { FreshnessNotice } from '../../components/Freshness'
import { LoadState } from '../../components/LoadState'
import { WechatOnly } from '../../components/WechatOnly'
import { formatClock, formatMoment, formatSessionTime } from '../../format/time'
import { TEXT, errorMessage } from '../../i18n/zh-CN'
import { capabilities, fileExport } from '../../platform'
import { selectExport, selectStaff, selectStaffBusy, selectStats, useOrganizerStore } from '../../stores/organizer'
import './index.css'

/** How often the figures are read again while the page is on screen. */
export const STATS_REFRESH_MS = 10_000

/** The destructive colour (also `.button-danger` in app.css). */
const DANGER_COLOUR = '#b91c1c'

type Figures = Pick<SessionStats, 'reserved' | 'cancelled' | 'checkedIn' | 'remaining'>

function FigureGrid({ figures, testId }: { figures: Figures; testId: string }) {
  const cells: Array<[string, number]> = [
    [TEXT.statReserved, figures.reserved],
    [TEXT.statCancelled, figures.cancelled],
    [TEXT.statCheckedIn, figures.checkedIn],
    [TEXT.statRemaining, figures.remaining],
  ]
  return (
    <View className='desk__figures' data-testid={testId}>
      {cells.map(([label, value]) => (
        <View key={label} className='desk__figure'>
          <Text className='desk__figure-value'>{value}</Text>
          <Text className='muted desk__figure-label'>{label}</Text>
        </View>
      ))}
    </View>
  )
}

function StaffRow({ eventId, openid, addedAt }: { eventId: string; openid: string; addedAt: string }) {
  const busy = useOrganizerStore(selectStaffBusy(eventId, openid))
  const changeStaff = useOrganizerStore((s) => s.changeStaff)
  const onRemove = async () => {
    const { confirm } = await Taro.showModal({
      title: TEXT.staffRemoveConfirmTitle,
      content: TEXT.staffRemoveConfirmContent(openid),
      confirmText: TEXT.staffRemoveConfirmRemove,
      cancelText: TEXT.staffRemoveConfirmKeep,
      confirmColor: DANGER_COLOUR,
    })
    if (!confirm) return
    const failure = await changeStaff(eventId, openid, 'remove')
    void Taro.showToast(failure ? { title: errorMessage(failure.code), icon: 'none' } : { title: TEXT.staffRemoved, icon: 'success' })
  }
  return (
    <View className='desk__staff-row' data-testid='staff-row'>
      <View className='desk__staff-who'>
        <Text className='desk__openid'>{openid}</Text>
        <Text className='muted'>{TEXT.staffAddedAt(formatMoment(addedAt))}</Text>
      </View>
      <Button className='button-danger desk__staff-remove' size='mini' disabled={busy} loading={busy} onClick={() => void onRemove()}>
        {TEXT.staffRemove}
      </Button>
    </View>
  )
}

function StaffSection({ eventId }: { eventId: string }) {
  const list = useOrganizerStore(selectStaff(eventId))
  const changeStaff = useOrganizerStore((s) => s.changeStaff)
  const [openid, setOpenid] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const onAdd = async () => {
    const id = openid.trim()
    if (!id) {
      setProblem(TEXT.staffIdRequired)
      return
    }
    setAdding(true)
    const failure = await changeStaff(eventId, id, 'add')
    setAdding(false)
    setProblem(failure ? errorMessage(failure.code) : null)
    if (failure) return
    setOpenid('')
    void Taro.showToast({ title: TEXT.staffAdded, icon: 'success' })
  }
  return (
    <View className='card'>
      <Text className='desk__heading'>{TEXT.staffHeading}</Text>
      <Text className='muted desk__hint'>{TEXT.staffHint}</Text>
      {list && list.staff.length === 0 && list.status !== 'loading' && <Text className='muted desk__hint'>{TEXT.staffEmpty}</Text>}
      {list?.error && <Text className='error-text desk__hint'>{errorMessage(list.error.code)}</Text>}
      {list?.staff.map((member) => (
        <StaffRow key={member.openid} eventId={eventId} openid={member.openid} addedAt={member.addedAt} />
      ))}
      <View className='desk__add'>
        <Input className='desk__input' name='staffOpenid' value={openid} placeholder={TEXT.staffIdPlaceholder} maxlength={64} onInput={(e) => setOpenid(e.detail.value)} />
        <Button className='button-primary desk__add-button' size='mini' disabled={adding} loading={adding} onClick={() => void onAdd()}>
          {TEXT.staffAdd}
        </Button>
      </View>
      {problem && <Text className='error-text desk__hint'>{problem}</Text>}
    </View>
  )
}

function ExportRow({ label, file }: { label: string; file: ExportFile }) {
  const exporter = fileExport
  // Straight from the tap: WeChat lets shareFileMessage open only inside one.
  const onHandOver = () => {
    if (!exporter) return
    void exporter.handOver({ filename: file.filename, content: file.csv }).then((outcome) => {
      if (outcome.outcome === 'done') void Taro.showToast({ title: TEXT.exportDone, icon: 'success' })
      else if (outcome.outcome === 'failed') void Taro.showToast({ title: TEXT.exportFailed, icon: 'none' })
    })
  }
  return (
    <View className='desk__export-row' data-testid='export-row'>
      <View className='desk__export-file'>
        <Text>{label}</Text>
        <Text className='muted'>
          {TEXT.exportRows(file.rows)} · {file.filename}
        </Text>
      </View>
      {exporter && (
        <Button className='button-secondary' size='mini' onClick={onHandOver}>
          {exporter.kind === 'share' ? TEXT.exportShare : TEXT.exportDownload}
        </Button>
      )}
    </View>
  )
}

function ExportSection({ eventId }: { eventId: string }) {
  const entry = useOrganizerStore(selectExport(eventId))
  const createExport = useOrganizerStore((s) => s.createExport)
  const [fullPhone, setFullPhone] = useState(false)
  const creating = entry?.status === 'loading'
  const onCreate = async () => {
    if (fullPhone) {
      const { confirm } = await Taro.showModal({
        title: TEXT.exportFullPhoneConfirmTitle,
        content: TEXT.exportFullPhoneConfirmContent,
        confirmText: TEXT.exportFullPhoneConfirm,
        cancelText: TEXT.exportFullPhoneCancel,
        confirmColor: DANGER_COLOUR,
      })
      if (!confirm) return
    }
    await createExport(eventId, fullPhone)
  }
  if (!fileExport) {
    return (
      <View className='card'>
        <Text className='desk__heading'>{TEXT.exportHeading}</Text>
        <Text className='muted'>{TEXT.exportUnsupported}</Text>
      </View>
    )
  }
  return (
    <View className='card'>
      <Text className='desk__heading'>{TEXT.exportHeading}</Text>
      <Text className='muted desk__hint'>{TEXT.exportHint}</Text>
      <View className={`desk__toggle ${fullPhone ? 'desk__toggle--on' : ''}`} onClick={() => setFullPhone(!fullPhone)} data-testid='full-phone' aria-checked={fullPhone}>
        <View className='desk__toggle-box'>{fullPhone ? '✓' : ''}</View>
        <Text>{TEXT.exportFullPhone}</Text>
      </View>
      <Button className='button-primary' disabled={creating} loading={creating} onClick={() => void onCreate()}>
        {creating ? TEXT.exportCreating : TEXT.exportCreate}
      </Button>
      {entry?.error && <Text className='error-text desk__hint'>{errorMessage(entry.error.code)}</Text>}
      {entry?.files && (
        <View className='desk__exports'>
          {entry.files.fullPhone && <Text className='error-text desk__hint'>{TEXT.exportFullPhone}</Text>}
          <ExportRow label={TEXT.exportReservations} file={entry.files.reservations} />
          <ExportRow label={TEXT.exportCheckins} file={entry.files.checkins} />
        </View>
      )}
    </View>
  )
}

/**
 * The organizer's desk for one event (staff subpackage): live figures per session and their fill
 * chart, read again every 10 seconds while the page is on screen; staff; export; ID refusals.
 */
function Desk() {
  const { params } = useRouter()
  const eventId = decodeURIComponent(params.eventId ?? '')
  const entry = useOrganizerStore(selectStats(eventId))
  const { loadStats, loadStaff, loadRefusals } = useOrganizerStore.getState()
  const timer = useRef<ReturnType<typeof setInterval> | null>(null)

  const stopRefreshing = () => {
    if (timer.current !== null) clearInterval(timer.current)
    timer.current = null
  }

  useDidShow(() => {
    void loadStats(eventId)
    void loadStaff(eventId)
    void loadRefusals(eventId)
    stopRefreshing()
    timer.current = setInterval(() => {
      // Someone who may not see the figures gains nothing from asking again.
      if (useOrganizerStore.getState().stats[eventId]?.error?.code === 'FORBIDDEN') stopRefreshing()
      else void loadStats(eventId)
    }, STATS_REFRESH_MS)
  })
  useDidHide(stopRefreshing)
  useUnload(stopRefreshing)

  const stats = entry?.stats
  if (entry?.error?.code === 'FORBIDDEN') {
    return (
      <View className='page'>
        <View className='card' data-testid='desk-forbidden'>
          <Text className='muted'>{TEXT.deskForbidden}</Text>
        </View>
      </View>
    )
  }
  if (!stats) {
    return (
      <View className='page'>
        <LoadState status={entry?.error ? 'error' : 'loading'} error={entry?.error ?? null} onRetry={() => void loadStats(eventId)} emptyText='' />
      </View>
    )
  }

  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{stats.title}</Text>
        <Text className='muted' data-testid='stats-at'>
          {TEXT.deskUpdatedAt(formatClock(stats.at))}
        </Text>
      </View>
      {entry?.error && <FreshnessNotice freshness={{ status: 'error', error: entry.error, updatedAt: stats.at }} onRetry={() => void loadStats(eventId)} />}
      <View className='card'>
        <Text className='desk__heading'>
          {TEXT.deskTotals} · {TEXT.statCapacity} {stats.totals.capacity}
        </Text>
        <FigureGrid figures={stats.totals} testId='totals' />
      </View>
      {stats.sessions.map((session) => (
        <View key={session.sessionId} className='card desk__session' data-testid='session-stats'>
          <Text className='desk__heading'>{session.name}</Text>
          <Text className='muted desk__hint'>
            {formatSessionTime(session.startsAt, session.endsAt)} · {TEXT.statCapacity} {session.capacity}
          </Text>
          <FigureGrid figures={session} testId={`figures-${session.sessionId}`} />
        </View>
      ))}
      <View className='card'>
        <Text className='desk__heading'>{TEXT.chartHeading}</Text>
        <FillChart sessions={stats.sessions} />
      </View>
      <StaffSection eventId={eventId} />
      <ExportSection eventId={eventId} />
      <IdRefusals eventId={eventId} />
    </View>
  )
}

export default function DeskPage() {
  return capabilities.signedIn ? (
    <Desk />
  ) : (
    <View className='page'>
      <WechatOnly title={TEXT.wechatOnlyWorkbenchTitle} />
    </View>
  )
}
