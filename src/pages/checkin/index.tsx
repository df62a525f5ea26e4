import { Text, View } from '@tarojs/components'
import { TEXT } from '../../i18n/zh-CN'

export default function CheckinPage() {
  return (
    <View className='page'>
      <View className='card'>
        <Text className='title'>{TEXT.checkinHeading}</Text>
        <Text className='muted'>{TEXT.checkinHint}</Text>
      </View>
    </View>
  )
}
