import { Button, Input, Text, View } from '@tarojs/components'
import { useLoad, useRouter } from '@tarojs/taro'
import { useState } from 'react'
import { useShallow } from 'zustand/react/shallow'
import type { ScanAnswer } from '../../../cloud/src/api/models'
import { LoadState } from '../../components/LoadState'
import { WechatOnly } from '../../components/WechatOnly'
import { formatMoment, formatSessionTime } from '../../format/time'
import { TEXT, denialReason, errorMessage } from '../../i18n/zh-CN'
import { capabilities, scanner } from '../../platform'
import {
  isTicketCode,
  normalizeTicketCode,
  selectAnswer,
  selectAttempt,
  selectCheckinError,
  selectCheckinEvent,
  selectGate,
  selectPhase,
  useCheckinStore,
} from '../../stores/checkin'
import { selectRoles, selectRolesFreshness, useRolesStore } from '../../stores/roles'
import './index.css'

const VERDICT = {
  ADMITTED: { modifier: 'admitted', text: TEXT.resultAdmitted },
  ALREADY_ADMITTED: { modifier: 'already', text: TEXT.resultAlreadyAdmitted },
  DENIED: { modifier: 'denied', text: TEXT.resultDenied },
} as const

function ResultRow({ label, value }: { label: string; value: string }) {
  return (
    <View className='scan-result__row'>
      <Text className='scan-result__label'>{label}</Text>
      <Text className='scan-result__value'>{value}</Text>
    </View>
  )
}

/** The gate's answer over the whole screen: green in, amber already in, red no. */
function ScanResult({ answer, onNext }: { answer: ScanAnswer; onNext: () => void }) {
  const verdict = VERDICT[answer.result]
  return (
    <View className={`scan-screen scan-result scan-result--${verdict.modifier}`} data-testid='scan-result' data-result={answer.result}>
      <Text className='scan-result__verdict'>{verdict.text}</Text>
      {answer.result === 'DENIED' && <Text className='scan-result__reason'>{denialReason(answer.reason)}</Text>}
      <View className='scan-result__rows'>
        <ResultRow label={TEXT.resultAttendee} value={answer.attendee.maskedName || TEXT.resultNoName} />
        {answer.session && (
          <ResultRow label={TEXT.resultSession} value={`${answer.session.name} · ${formatSessionTime(answer.session.startsAt, answer.session.endsAt)}`} />
        )}
        {answer.session && <ResultRow label={TEXT.resultEntries} value={TEXT.resultEntriesUsed(answer.entriesUsed)} />}
        {answer.firstEntryAt && <ResultRow label={TEXT.resultFirstEntry} value={formatMoment(answer.firstEntryAt)} />}
      </View>
      <Button className='scan-screen__next' onClick={onNext}>
        {TEXT.nextScan}
      </Button>
    </View>
  )
}

/**
 * Check-in at the gate (staff subpackage). The gate is asked once and remembered; each code, scanned
 * or typed, goes to `checkin.scan` with a fresh nonce, retried with the same nonce when the answer is
 * lost; the answer fills the screen until the next scan, one tap away.
 */
function Checkin() {
  const { params } = useRouter()
  const roles = useRolesStore(selectRoles)
  const rolesFreshness = useRolesStore(useShallow(selectRolesFreshness))
  const loadRoles = useRolesStore((s) => s.load)
  const gate = useCheckinStore(selectGate)
  const phase = useCheckinStore(selectPhase)
  const answer = useCheckinStore(selectAnswer)
  const error = useCheckinStore(selectCheckinError)
  const attempt = useCheckinStore(selectAttempt)
  const eventId = useCheckinStore(selectCheckinEvent)
  const { restore, setGate, pickEvent, submit, retry, abandon, next } = useCheckinStore.getState()
  const [gateDraft, setGateDraft] = useState('')
  const [gateError, setGateError] = useState(false)
  const [code, setCode] = useState('')
  const [notice, setNotice] = useState<string | null>(null)

  useLoad(() => {
    if (params.eventId) pickEvent(decodeURIComponent(params.eventId))
    void restore()
    if (!useRolesStore.getState().roles) void loadRoles()
  })

  const events = roles?.events ?? []
  const current = events.find((event) => event.id === eventId) ?? (events.length === 1 ? events[0] : undefined)
  const notStaff = roles !== null && events.length === 0

  const check = (raw: string) => {
    const normalized = normalizeTicketCode(raw)
    if (!isTicketCode(normalized)) {
      setNotice(TEXT.manualInvalid)
      return
    }
    setNotice(null)
    setCode('')
    void submit(normalized)
  }

  const scan = async () => {
    if (!scanner) return
    setNotice(null)
    const outcome = await scanner.scan()
    if (outcome.outcome === 'scanned') check(outcome.text)
    else if (outcome.outcome === 'failed') setNotice(TEXT.scanFailed)
  }

  const onNext = () => {
    next()
    // One tap from one result to the next scan: the camera opens straight away where there is one.
    if (scanner) void scan()
  }

  if (phase === 'result' && answer) return <ScanResult answer={answer} onNext={onNext} />
  if (phase === 'sending') {
    return (
      <View className='scan-screen scan-screen--waiting' data-testid='scan-sending'>
        <Text className='scan-result__verdict'>{TEXT.checking}</Text>
        {attempt > 1 && <Text className='scan-result__reason'>{TEXT.checkinRetrying(attempt - 1)}</Text>}
      </View>
    )
  }
  if (phase === 'unconfirmed') {
    return (
      <View className='scan-screen scan-screen--waiting' data-testid='scan-unconfirmed'>
        <Text className='scan-result__verdict'>{TEXT.scanUnconfirmedTitle}</Text>
        <Text className='scan-result__reason'>{TEXT.scanUnconfirmed}</Text>
        <Button className='scan-screen__next' onClick={() => void retry()}>
          {TEXT.retryScan}
        </Button>
        <Button className='scan-screen__secondary' onClick={abandon}>
          {TEXT.abandonScan}
        </Button>
      </View>
    )
  }
  if (phase === 'error' && error) {
    return (
      <View className='scan-screen scan-screen--waiting' data-testid='scan-error'>
        <Text className='scan-result__verdict'>{TEXT.resultDenied}</Text>
        <Text className='scan-result__reason'>{error.code === 'FORBIDDEN' ? TEXT.checkinNotStaff : errorMessage(error.code)}</Text>
        <Button className='scan-screen__next' onClick={onNext}>
          {TEXT.nextScan}
        </Button>
      </View>
    )
  }

  // Which events the person staffs decides the whole page: without that answer, load or retry.
  if (!roles) {
    return (
      <View className='page'>
        <LoadState status={rolesFreshness.status} error={rolesFreshness.error} onRetry={() => void loadRoles()} emptyText='' />
      </View>
    )
  }

  if (notStaff) {
    return (
      <View className='page'>
        <View className='card'>
          <Text className='muted'>{TEXT.checkinNotStaff}</Text>
        </View>
      </View>
    )
  }

  if (!gate) {
    const saveGate = () => {
      if (!gateDraft.trim()) {
        setGateError(true)
        return
      }
      setGateError(false)
      setGate(gateDraft)
    }
    return (
      <View className='page'>
        <View className='card'>
          <Text className='title'>{TEXT.checkinGateHeading}</Text>
          <Text className='muted checkin__line'>{TEXT.checkinGateHint}</Text>
          <Input className='checkin__input' name='gate' value={gateDraft} placeholder={TEXT.gatePlaceholder} maxlength={20} onInput={(e) => setGateDraft(e.detail.value)} />
          {gateError && <Text className='error-text checkin__line'>{TEXT.gateRequired}</Text>}
        </View>
        <Button className='button-primary' onClick={saveGate}>
          {TEXT.gateSave}
        </Button>
      </View>
    )
  }

  if (events.length > 1 && !current) {
    return (
      <View className='page'>
        <View className='card'>
          <Text className='title'>{TEXT.checkinPickEvent}</Text>
          {events.map((event) => (
            <View key={event.id} className='checkin__event-choice' onClick={() => pickEvent(event.id)}>
              <Text>{event.title}</Text>
            </View>
          ))}
        </View>
      </View>
    )
  }

  return (
    <View className='page'>
      <View className='card checkin__context'>
        {current && (
          <View className='checkin__context-row'>
            <Text className='muted'>{TEXT.checkinEventLabel}</Text>
            <Text className='checkin__context-value'>{current.title}</Text>
            {events.length > 1 && (
              <Text className='checkin__change' onClick={() => pickEvent(null)}>
                {TEXT.checkinChangeEvent}
              </Text>
            )}
          </View>
        )}
        <View className='checkin__context-row'>
          <Text className='muted'>{TEXT.gateLabel}</Text>
          <Text className='checkin__context-value' data-testid='gate'>
            {gate}
          </Text>
          <Text
            className='checkin__change'
            onClick={() => {
              setGateDraft(gate)
              setGate('')
            }}
          >
            {TEXT.gateChange}
          </Text>
        </View>
      </View>
      {scanner && (
        <Button className='button-primary checkin__scan' onClick={() => void scan()}>
          {TEXT.scanButton}
        </Button>
      )}
      <View className='card'>
        <Text className='checkin__heading'>{TEXT.manualHeading}</Text>
        <Input
          className='checkin__input checkin__code'
          name='code'
          type='number'
          value={code}
          placeholder={TEXT.manualPlaceholder}
          maxlength={24}
          onInput={(e) => setCode(e.detail.value)}
          onConfirm={() => check(code)}
        />
        {notice && <Text className='error-text checkin__line'>{notice}</Text>}
        <Button className='button-secondary checkin__submit' onClick={() => check(code)}>
          {TEXT.manualSubmit}
        </Button>
      </View>
    </View>
  )
}

export default function CheckinPage() {
  return capabilities.signedIn ? (
    <Checkin />
  ) : (
    <View className='page'>
      <WechatOnly title={TEXT.wechatOnlyWorkbenchTitle} />
    </View>
  )
}
