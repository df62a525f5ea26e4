import { Text, View } from '@tarojs/components'
import { TEXT } from '../../i18n/zh-CN'
import { capabilities } from '../../platform'

export default function TicketPage() {
  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{TEXT.ticketHeading}</Text>
        {!capabilities.cardPack && <Text className='muted'>{TEXT.cardPackUnsupported}</Text>}
      </View>
    </View>
  )
}
